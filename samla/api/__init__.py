"""What every Samla API endpoint shares: error format, schema per host, paging, throttles."""
