"""The rules of the steering board, one concern per module."""
