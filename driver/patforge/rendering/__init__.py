"""The render pipeline: units classified, batched, rendered by Copier, validated, landed, recorded."""
