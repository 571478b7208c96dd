-- Handlers' queues read the few open and in-progress affairs among a
-- year's thousands: find them by state, not by scanning.
CREATE INDEX affairs_status ON affairs (status, level);
