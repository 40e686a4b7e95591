"""Agency processing (issue #4): the transition table, one function per action, the
internal steps, clock pauses, consultations, official notices and the message outbox."""
