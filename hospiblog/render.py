"""The render stage: a job to bytes. Pure: reads templates and inputs, writes nothing."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .errors import SourceLocation, TemplateError
from .plan import RenderJob


@dataclass(frozen=True)
class OutputFile:
    """Bytes for one path of the output folder."""

    path: str
    data: bytes


def render(job: RenderJob, environment: jinja2.Environment) -> OutputFile:
    """Renders one job; template problems become :class:`TemplateError` with the template's file and line."""
    if job.produce is not None:
        return OutputFile(job.output, job.produce())
    assert job.template is not None
    try:
        context = {**job.context, **{name: make() for name, make in job.lazy.items()}}
        text = environment.get_template(job.template).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(
            f"template syntax error: {error.message}",
            location=SourceLocation(Path(error.filename or error.name or job.template), error.lineno),
            hint="check the {% %} and {{ }} tags on that line",
        ) from error
    except jinja2.TemplateNotFound as error:
        raise TemplateError(f"template not found: {error.name}", location=_template_frame(error),
                            hint="create the template in templates/ or fix its name") from error
    except jinja2.UndefinedError as error:
        raise TemplateError(f"template uses an undefined value: {error.message}", location=_template_frame(error),
                            hint="fix the name on that line; the values a template can use are listed in the README",
                            ) from error
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as error:
        raise TemplateError(f"template error while making {job.output}: {error}", location=_template_frame(error),
                            hint="fix the template on that line") from error
    return OutputFile(job.output, text.encode("utf-8"))


def _template_frame(error: BaseException) -> SourceLocation | None:
    """The innermost template line in the traceback (Jinja rewrites frames to template lines)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".j2", ".txt")):
            return SourceLocation(Path(frame.filename), frame.lineno)
    return None
