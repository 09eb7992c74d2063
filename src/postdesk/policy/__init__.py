"""Policy checklist: rule packs as data, automatic checks and sign-off items (no Qt).

The public API, for the analysis pipeline, ``postdesk check`` and the workflow:

- `PolicyEngine` (``check``, ``apply_overrides``, ``run``, ``rules``, ``reload``);
- `load_default_pack`, `load_pack`, `validate_pack_file`, `PackError`, `PackProblem`;
- `SignOff`, `sign`, `text_hash`, `outstanding_sign_offs`, `required_sign_offs`.

docs/policy-rules.md documents every rule id and the pack file format.
"""

from __future__ import annotations

from postdesk.policy.engine import MAX_ANALYSED_CHARS, MAX_FINDINGS_PER_RULE, PolicyEngine
from postdesk.policy.model import (
    Pack,
    PackError,
    PackProblem,
    Rule,
    RuleInfo,
    RuleKind,
    Signer,
    SignOffItem,
    Term,
)
from postdesk.policy.pack import (
    DEFAULT,
    load_default_pack,
    load_pack,
    load_pack_data,
    load_pack_text,
    validate_pack_file,
)
from postdesk.policy.signoff import (
    SignOff,
    outstanding_sign_offs,
    required_sign_offs,
    sign,
    text_hash,
)

__all__ = [
    "DEFAULT",
    "MAX_ANALYSED_CHARS",
    "MAX_FINDINGS_PER_RULE",
    "Pack",
    "PackError",
    "PackProblem",
    "PolicyEngine",
    "Rule",
    "RuleInfo",
    "RuleKind",
    "SignOff",
    "SignOffItem",
    "Signer",
    "Term",
    "load_default_pack",
    "load_pack",
    "load_pack_data",
    "load_pack_text",
    "outstanding_sign_offs",
    "required_sign_offs",
    "sign",
    "text_hash",
    "validate_pack_file",
]
