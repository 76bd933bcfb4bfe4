//go:build !unix

package main

import "time"

// processCPU is not measured on this platform (the report then shows no CPU per create).
func processCPU() time.Duration { return 0 }
