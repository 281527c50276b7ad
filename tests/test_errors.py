"""The one table of error statuses (cyclops.errors.HTTP_STATUS): mapi answers with it and the client reads it back."""

from __future__ import annotations

import pickle

import pytest

from cyclops import errors as E
from cyclops.errors import to_service_error
from cyclops.extract.errors import ModelMissing

SERVICE_STATUS = {
    E.MapiError: 500, E.BadRequest: 422, E.BadPhoto: 422, E.InvalidEdit: 422, E.AuthError: 401, E.Forbidden: 403,
    E.NotFound: 404, E.ConflictError: 409, E.ObjectExists: 409, E.TooLarge: 413, E.RateLimited: 429,
    E.StorageUnavailable: 503, E.WorkerLost: 503, E.CorruptRecord: 500,
}  # fmt: skip
#: a client cannot tell apart the errors that share a status: it raises the widest
READ_BACK_AS = {E.Forbidden: E.AuthError, E.TooLarge: E.BadPhoto, E.ObjectExists: E.ConflictError,
                E.WorkerLost: E.StorageUnavailable, E.RateLimited: E.MapiError, E.CorruptRecord: E.MapiError}


@pytest.mark.parametrize("cls", SERVICE_STATUS, ids=lambda cls: cls.__name__)
def test_each_service_error_answers_with_its_status_and_the_client_reads_it_back(cls):
    error = cls("boom")
    assert error.status == SERVICE_STATUS[cls]
    assert E.error_class(error.status, error.code) is READ_BACK_AS.get(cls, cls)
    own = cls("boom", code="more_precise", status=418)
    assert (own.status, own.code) == (418, "more_precise")
    copy = pickle.loads(pickle.dumps(own))  # worker pools send errors across processes
    assert (type(copy), copy.message, copy.code, copy.status) == (cls, "boom", "more_precise", 418)


def test_errors_of_other_areas_become_service_errors_with_the_tables_status():
    for error, cls, status in [
        (E.ImageTooLarge("big.jpg: too large"), E.BadPhoto, 413),
        (E.PixelBudgetExceeded("too many pixels"), E.BadPhoto, 413),
        (E.TooManyPhotos("too many"), E.BadPhoto, 413),
        (E.CorruptImage("bad.jpg: corrupt"), E.BadPhoto, 422),
        (E.UnsupportedFileType("a.txt"), E.BadPhoto, 422),
        (E.OCREngineError("no such engine"), E.BadRequest, 422),
        (ModelMissing("no model"), E.MapiError, 500),
    ]:
        service = to_service_error(error)
        assert (type(service), service.code, service.status, service.message) == (cls, error.code, status, str(error))
    summed_up = E.PhotoError("no usable photo: a.jpg too large; b.jpg too large")  # as pipeline.py sums up photos
    summed_up.code = E.ImageTooLarge.code
    assert to_service_error(summed_up).status == 413


def test_the_client_reads_refused_photos_and_edits_by_their_code():
    assert E.error_class(422, "corrupt_image") is E.BadPhoto
    assert E.error_class(422, "no_photos") is E.BadPhoto
    assert E.error_class(413, "edit_too_large") is E.BadPhoto
    assert E.error_class(422, "read_only_field") is E.InvalidEdit
    assert E.error_class(422, "invalid_request") is E.BadRequest
    assert E.error_class(400, "bad_request") is E.BadRequest
    assert E.error_class(403, "pipeline_flag") is E.AuthError
    assert E.error_class(502, "http_error") is E.MapiError
