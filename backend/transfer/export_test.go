package transfer

// SetBatchRows changes the batch size for a test and returns the old one.
func SetBatchRows(n int) int { old := batchRows; batchRows = n; return old }
