package lead

// CodeLeadLocked: a locked lead stays with its owner; unlock it first.
const CodeLeadLocked = "lead_locked"
