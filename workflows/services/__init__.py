"""The write side: one function per change a person asks for, taking the session and the actor, raising
workflows/errors.py's refusals. Views parse, call one of these and render; they never write."""
