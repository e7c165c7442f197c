"""The networks' routine library: approved routines a municipality shares with its networks."""
