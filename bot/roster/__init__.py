"""Roster import: a CSV or XLSX of people in, personal single-use invitation links out."""
