"""The shapes of /api/v1/jobs: what starting a report job takes, and what a job looks like."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.http.jobs import JobStartSchema

__all__ = ["JobListArgs", "JobSchema", "JobStartSchema"]


class JobResultSchema(Schema):
    filename = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    url = fields.String(metadata={"description": "GET it (bearer auth) for the file"})


class JobSchema(Schema):
    """A background job: `status` queued -> running -> done | failed, `percent` 0-100, `result` once done."""

    id = fields.String()
    kind = fields.String()
    title = fields.String()
    status = fields.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    percent = fields.Integer()
    message = fields.String(metadata={"description": "the step while it runs; why, when it failed"})
    attempts = fields.Integer()
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    result = fields.Nested(JobResultSchema, allow_none=True)


class JobListArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
