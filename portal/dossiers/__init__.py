"""Dossiers (hồ sơ): online submission, drafts, documents in object storage, codes."""
