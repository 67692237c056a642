"""Certificates of completion: earned from attendance, issued as a PDF, verifiable by code."""
