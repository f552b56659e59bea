"""Background jobs on the web (/jobs): start a report, watch its progress bar, download the result."""
