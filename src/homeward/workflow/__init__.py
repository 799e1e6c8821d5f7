"""Case and match workflow: state machines and the rules that protect children.

Every state change goes through this package, which writes the audit event in the same
transaction as the change.
"""
