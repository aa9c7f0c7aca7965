"""Idea portal: staff submit, discuss, support and follow ideas; moderators screen them."""
