"""Attendance: check-ins, codes, corrections, certificate progress, export."""
