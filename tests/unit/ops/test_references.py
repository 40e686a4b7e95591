"""The backup's verification and the invariant checker find every column that names a stored
object from the mapped tables: a new kind of stored file cannot be forgotten silently (this
list changes with it, or the column goes into ``references.NOT_STORAGE``)."""

from __future__ import annotations

from portal.dossiers.states import DossierState
from portal.ops.invariants import state_after_event
from portal.ops.references import key_columns
from portal.workflow.transitions import TRANSITIONS, Action


def test_every_storage_key_column_is_found_with_its_size_and_checksum():
    found = {(c.name, c.size is not None, c.sha256 is not None) for c in key_columns()}
    assert found == {
        ("complaint_file.storage_key", True, True),
        ("dossier_file.storage_key", True, True),
        ("dossier_obligation_file.storage_key", True, True),
        ("procedure_document.sample_key", False, False),
        ("procedure_document.template_key", False, False),
    }


def test_every_state_changing_action_has_the_state_its_event_leads_to():
    after = state_after_event()
    for action, transition in TRANSITIONS.items():
        name = "submitted" if action is Action.SUBMIT else action.value
        if transition.target is None:
            assert name not in after  # an apology, a recorded result…: skipped
        else:
            assert transition.target in after[name]
    assert after["created"] == {DossierState.DRAFT}
    assert after["answer_consultation"] == {DossierState.IN_PROGRESS,
                                            DossierState.AWAITING_CONSULTATION}


def test_the_sweep_knows_every_column_naming_an_object():
    """`flask storage sweep` deletes what no row of its prefix names: a column missing there
    would leave its orphans for ever (the verification reports them), one wrongly there
    would not protect its objects."""
    from portal.dossiers.cli import REFERENCES

    swept = {f"{column.table.name}.{column.name}" for columns in REFERENCES.values()
             for column in columns}
    assert swept == {c.name for c in key_columns()}
