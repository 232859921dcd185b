"""Replies: drafting from templates in the sandbox, platform lengths, which links are safe."""
