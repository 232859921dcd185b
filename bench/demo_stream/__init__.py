"""The parts of the demo stream: the plan, the hand-written texts, the generator, the build."""
