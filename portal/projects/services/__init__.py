"""The rules of projects, one concern per module."""
