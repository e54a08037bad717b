"""Words for the operator about uploaded files the database refers to but the storage lacks,
shared by `backup` and `restore`."""

SHOWN = 20


def missing_files_message(names: list[str], *, state: str) -> str:
    """`state` says when: "were missing from the storage when this backup was made", "are missing
    from the storage"."""
    shown = ", ".join(names[:SHOWN]) + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
    return (f"{len(names)} uploaded file(s) the database refers to {state}; "
            f"posts showing them will answer 404: {shown}")
