-- Calibrated item parameters (IRT, P = 1 / (1 + exp(-a(theta - b)))): item.difficulty holds b;
-- these hold a and where the figures came from. A teacher's own difficulty guess has no model.
ALTER TABLE item ADD COLUMN discrimination DOUBLE PRECISION;
ALTER TABLE item ADD COLUMN calibration_model VARCHAR(16);
ALTER TABLE item ADD COLUMN calibrated_at TIMESTAMP WITH TIME ZONE;
