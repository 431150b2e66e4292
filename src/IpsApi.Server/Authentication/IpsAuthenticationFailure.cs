namespace IpsApi.Server.Authentication;

/// <summary>Why the handler did not authenticate a request that presented credentials; each protocol words its own answer.</summary>
public enum IpsAuthenticationProblem
{
    /// <summary>What was presented is not a user name and password (<see cref="IpsAuthenticationFailure.Detail"/> says why).</summary>
    MalformedCredentials,

    /// <summary>Unknown user, wrong password, or a locked user name or address: one answer for all, so it tells nothing.</summary>
    InvalidCredentials,

    /// <summary>No password hash slot was free: nothing was checked; the client may retry in a second.</summary>
    Busy,

    /// <summary>Too many attempts already wait on the same lock: the cheapest answer is none (close the connection).</summary>
    TooManyWaiting,

    /// <summary>The client went away while its credentials were checked.</summary>
    ClientGone,

    /// <summary>The check itself failed (the store is down): the server's fault, not the caller's.</summary>
    ServerFault,
}

/// <summary>The request feature the handler leaves when it fails a request, for the protocol to answer in its own terms.</summary>
public sealed record IpsAuthenticationFailure(IpsAuthenticationProblem Problem, string? Detail = null, Exception? Exception = null);
