"""What the three calls (consultations, the expert group, the award) share: their window."""
