"""theory: what replica theory, signal-to-noise analysis and combinatorics predict.

Plain functions of the physical parameters (numpy/scipy only); never imports
``assoc``, so that a prediction shares no code with the simulation it checks.
"""
