/**
 * Dataset statistics and the normalizers built from them; mirrors {@code ibc/train/get_normalizers.py},
 * {@code ibc/train/stats.py} and {@code ibc/train/get_sampling_spec.py} (IBC db89ddb).
 */
package ibc4j.normalizers;
