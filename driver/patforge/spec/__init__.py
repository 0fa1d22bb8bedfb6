"""Pattern specs: read in every form users write, compiled from the dialect into JSON Schema."""
