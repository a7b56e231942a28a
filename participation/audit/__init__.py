"""An audit trail for everything that matters: who did what to which object, when."""
