namespace IpsApi.Tests.Support;

public sealed record TestUser(int Id, string Email, string Password);
