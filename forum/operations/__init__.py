"""Operations: the task queue and worker schedule, backups, health, deployment checks,
SQLite statistics.

May use any domain (the schedule queues their tasks); no domain imports it.
"""
