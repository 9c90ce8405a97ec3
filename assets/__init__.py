"""Asset definitions by layer: landing -> staging -> core -> indicators -> publish."""
