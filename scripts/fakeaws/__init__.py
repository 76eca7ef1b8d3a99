"""fake-aws: a loopback-only emulation of the parts of EC2, STS, IMDSv2, container credentials and
the SSO portal that ltsnap uses. See scripts/fake-aws --help and fixtures/fake/README.md."""
