"""Citizens' feedback and complaints (*phản ánh, kiến nghị*, issue 16): submitted by anyone
on the website or recorded by the centre's staff from the counter or the hotline, routed by
the supervisor to the responsible agency, answered within a deadline in working days, and
published anonymised. See docs/feedback.md, "Feedback and complaints"."""
