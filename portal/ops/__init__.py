"""Operations tooling (issue 17): ``flask backup create|restore|verify`` and ``flask ops
check-invariants`` (docs/OPERATIONS.md, "Backups")."""
