"""The postal channel (issue 15, DESIGN.md §1: the postal officer): outbound shipments of
results with postal return, batched, labelled and tracked to delivery or back to the counter;
and the tracking number of the envelopes that bring dossiers in (postal intake)."""
