"""What Cyclops offers, callable in-process: analyse and store, look up, edit under the edit rules, look up licences.

mapi's routes only translate HTTP to these calls; the in-process client, batch runs and the
``analyze`` command call them directly, so none of them needs the HTTP server's package.
"""
