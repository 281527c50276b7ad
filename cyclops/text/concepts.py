"""A small bilingual lexicon that maps claim words to shared concepts, so "builds strong bones"
meets "helps in the development of bones" and "aide au sommeil" meets "sleep aid".

Written for the vocabulary of Health Canada's NHP monograph claims; words not listed are kept
as themselves (plural 's' dropped). FILLER words carry no meaning for support ("helps", "aide").
"""

from __future__ import annotations

CONCEPTS: dict[str, tuple[str, ...]] = {
    "BONE": ("bone", "bones", "os", "osseuse", "osseux", "osseuses", "skeletal", "squelette", "squelettique"),
    "TEETH": ("teeth", "tooth", "dents", "dent", "dentaire", "dentaires"),
    "GUMS": ("gums", "gum", "gencives", "gencive"),
    "CARTILAGE": ("cartilage", "cartilages"),
    "JOINT": ("joint", "joints", "articulation", "articulations", "articulaire", "articulaires"),
    "MUSCLE": ("muscle", "muscles", "musculaire", "musculaires"),
    "IMMUNE": ("immune", "immunity", "immunitaire", "immunite", "defences", "defenses", "immunological"),
    "SLEEP": ("sleep", "sommeil", "dormir", "endormissement", "insomnia", "insomnie", "sleeplessness"),
    "RELAX": ("relaxation", "relax", "calm", "calme", "detente", "nervousness", "nervosite", "restlessness", "agitation"),
    "ENERGY": ("energy", "energie", "energetique"),
    "FATIGUE": ("fatigue", "tiredness", "tired"),
    "COLD": ("cold", "colds", "rhume", "rhumes"),
    "FLU": ("flu", "influenza", "grippe"),
    "RESPIRATORY": ("respiratory", "respiratoire", "respiratoires", "throat", "gorge", "cough", "toux"),
    "WEIGHT": ("weight", "poids", "slimming", "minceur", "amaigrissement", "fat", "graisse", "graisses", "appetite", "appetit"),
    "ANTIOXIDANT": ("antioxidant", "antioxidants", "antioxydant", "antioxydants", "antioxydante"),
    "DEFICIENCY": ("deficiency", "deficiencies", "carence", "carences", "deficit"),
    "HEART": ("heart", "cardiovascular", "cardiaque", "cardiovasculaire", "coeur", "cardio"),
    "SKIN": ("skin", "peau", "cutane", "cutanee"),
    "HAIR": ("hair", "cheveux", "chevelure"),
    "NAILS": ("nails", "nail", "ongles", "ongle"),
    "DIGESTION": ("digestion", "digestive", "digestif", "digestifs", "digestives", "gut", "intestinal", "intestinale",
                  "gastrointestinal", "gastro-intestinal", "gastro-intestinale", "bowel", "intestin", "flora", "flore"),
    "METABOLISM": ("metabolism", "metabolisme", "metabolic", "metabolique", "metabolize", "metabolise", "metaboliser"),
    "BLOOD": ("blood", "sang", "sanguin", "sanguine", "globules"),
    "VISION": ("eye", "eyes", "vision", "yeux", "oculaire", "visuelle", "visual"),
    "COGNITION": ("brain", "cerveau", "memory", "memoire", "cognitive", "cognitif", "cognitives", "mental", "mentale",
                  "concentration", "focus"),
    "STRESS": ("stress",),
    "MOOD": ("mood", "humeur"),
    "LIVER": ("liver", "foie", "hepatique", "hepatic"),
    "CELL": ("cell", "cells", "cellule", "cellules", "cellulaire"),
    "TISSUE": ("tissue", "tissues", "tissu", "tissus", "connective", "conjonctif", "conjonctifs", "collagen", "collagene"),
    "WOUND": ("wound", "wounds", "plaie", "plaies", "cicatrisation", "healing", "guerison"),
    "PAIN": ("pain", "pains", "douleur", "douleurs", "ache", "aches", "sore", "soreness"),
    "INFLAMMATION": ("inflammation", "inflammatory", "inflammatoire", "swelling"),
    "MENSTRUAL": ("menstrual", "menstruel", "menstruels", "menstruelles", "premenstrual", "premenstruel", "menopause",
                  "menopausal", "menopausiques"),
    "URINARY": ("urinary", "urinaire", "urinaires", "bladder", "vessie"),
    "PROSTATE": ("prostate", "prostatic"),
    "CHOLESTEROL": ("cholesterol", "triglycerides", "lipids", "lipides"),
    "GLUCOSE": ("glucose", "sugar", "glycemie", "sucre", "insulin"),
    "THYROID": ("thyroid", "thyroide", "thyroidienne"),
    "NERVOUS": ("nervous", "nerveux", "nerve", "nerves", "nerfs"),
    "PREGNANCY": ("pregnancy", "grossesse", "prenatal", "prenatale", "neural", "tube"),
    "CALCIUM": ("calcium",),
    "IRON": ("iron", "fer"),
    "PROTEIN": ("protein", "proteins", "proteines", "proteine"),
    "CARBOHYDRATE": ("carbohydrate", "carbohydrates", "glucides"),
    "ABSORPTION": ("absorption", "absorb", "assimilation"),
    "DEVELOP": ("development", "developpement", "build", "builds", "building", "formation", "form", "growth",
                "croissance", "construction", "batir", "bati", "renforcer", "strengthen"),
    "RELIEVE": ("relieve", "relieves", "relief", "soulager", "soulagement", "soulage", "reduce", "reduces", "reduire",
                "reduit", "diminuer", "diminue", "ease", "eases", "alleviate", "attenuer", "decrease", "lower"),
    "PREVENT": ("prevent", "prevents", "prevention", "prevenir", "previent", "risk", "risque"),
    "REPAIR": ("repair", "reparation", "recovery", "recuperation"),
    "SYMPTOM": ("symptom", "symptoms", "symptome", "symptomes"),
    "IMPROVE": ("improve", "improves", "improving", "improvement", "ameliore", "ameliorer", "amelioration", "enhance",
                "enhances"),
    "QUALITY": ("quality", "qualite"),
    "MASS": ("mass", "masse"),
    "LOSS": ("loss", "perte", "lose", "burn", "burning", "bruler"),
}

#: concepts that only say *how* a product acts; they weigh half in claim support
VERB_CONCEPTS = frozenset({"IMPROVE", "DEVELOP", "RELIEVE", "PREVENT", "REPAIR", "SYMPTOM", "DEFICIENCY"})

FILLER = frozenset(
    ["help", "helps", "helping", "aid", "aids", "aide", "aident", "assist", "assists", "to", "the", "a", "an", "of", "in", "on", "and", "or", "for", "with", "as", "by", "its", "it", "is", "are", "be", "used", "use", "using", "utilise", "utilisee", "utilises", "source", "factor", "facteur", "maintenance", "maintain", "maintains", "maintaining", "support", "supports", "supporting", "promote", "promotes", "promoting", "contribute", "contributes", "contribution", "good", "healthy", "health", "overall", "general", "normal", "function", "functions", "functioning", "proper", "optimal", "well", "being", "wellbeing", "that", "this", "which", "may", "can", "from", "at", "aider", "aident", "la", "le", "les", "de", "des", "du", "d", "l", "et", "ou", "pour", "avec", "en", "un", "une", "au", "aux", "maintien", "maintenir", "soutien", "soutenir", "soutient", "favoriser", "favorise", "favorisent", "bonne", "bon", "bons", "bonnes", "sante", "saine", "sain", "sains", "saines", "fonction", "fonctions", "fonctionnement", "normale", "normal", "normaux", "normales", "general", "generale", "dans", "qui", "que", "a", "sa", "son", "ses", "leur", "leurs", "par", "sur", "est", "sont", "etre", "peut", "peuvent", "comme", "herbal", "medicine", "traditionally", "traditionnellement", "phytotherapie", "medecine", "traditional", "plante", "plantes", "adults", "adultes", "daily", "quotidien", "state", "etat", "maintaining", "helpful", "useful", "important", "strong", "stronger", "solide", "solides", "fort", "forts", "forte", "fortes", "system", "systems", "systeme", "systemes", "level", "levels", "niveau", "niveaux", "boost", "boosts", "stimule", "stimuler", "stimulate", "stimulates"]
)

WORD_TO_CONCEPT: dict[str, str] = {word: concept for concept, words in CONCEPTS.items() for word in words}

#: verbs that make a sentence a claim even when its subject is not in the lexicon
CLAIM_VERBS = frozenset(
    ["help", "helps", "helping", "aid", "aids", "support", "supports", "promote", "promotes", "boost", "boosts", "improve", "improves", "enhance", "enhances", "reduce", "reduces", "relieve", "relieves", "prevent", "prevents", "maintain", "maintains", "contribute", "contributes", "protect", "protects", "increase", "increases", "used", "source", "treat", "treats", "cure", "cures", "fight", "fights", "aide", "aident", "soutient", "soutiennent", "favorise", "favorisent", "stimule", "ameliore", "reduit", "soulage", "previent", "maintient", "contribue", "protege", "augmente", "utilise", "source", "traite", "guerit", "combat"]
)
