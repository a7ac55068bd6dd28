"""Forms: one marshmallow schema per user-task form, and the registry the engine is handed.

Pure Python: nothing here imports Flask, the engine, workflows or a database (a test enforces it).
"""

from forms.context import FormContext, IndicatorCheck
from forms.registry import LIFECYCLE_FORMS, FormRegistry, default_registry
from forms.spec import FieldSpec

__all__ = [
    "LIFECYCLE_FORMS",
    "FieldSpec",
    "FormContext",
    "FormRegistry",
    "IndicatorCheck",
    "default_registry",
]
