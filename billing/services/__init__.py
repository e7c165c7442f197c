"""Every change of billing state: plain functions taking the acting user, one transaction each."""
