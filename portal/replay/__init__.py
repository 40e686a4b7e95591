"""The 2019 replay (`flask demo replay-2019`, issue #5): the reporting year 15/12/2018–14/12/2019
of the centre, dossier by dossier, played through the same workflow functions the staff pages
use, so that the statistics table shows report 62/BC-HCC's Appendix 1 in every cell.

- ``plan``: from the published numbers to one plan per dossier, its fate (pure);
- ``placing``: a procedure and a reception instant for each plan (pure);
- ``people``: names, addresses and companies for the applicants (pure);
- ``cast``: the replay's staff and applicant accounts;
- ``stories``: one plan played through ``portal.workflow`` and ``portal.dossiers``;
- ``writer``: a batch of played dossiers in a few bulk INSERTs;
- ``run``: the whole year, in batches.

docs/statistics.md ("The 2019 replay") explains the choices."""
