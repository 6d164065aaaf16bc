"""Tables in: the contract's tables validated (every problem at once, with its cell), the
``Dataset`` they become, shared column helpers, and uploaded workbooks read safely."""
