"""Assignment pages (admins): schedule one or a region's worth, cancel, reassign."""
