"""bench_tf.py's modules: TF IBC's own code timed per config family.

Import after bench_tf.py has set the process environment (they import
TensorFlow and IBC at module level).
"""
