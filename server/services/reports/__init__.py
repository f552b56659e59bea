"""Reports: the data of visit, branch and region PDFs from the database, and the PDFs as files."""
