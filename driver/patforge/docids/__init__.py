"""doc_ids: the rule, the ids already in a repository, DOC_LINK headers, the mapping file, Phase 1's edits."""
