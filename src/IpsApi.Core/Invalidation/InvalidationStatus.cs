namespace IpsApi.Core.Invalidation;

/// <summary>The status values of spec §7, in the order a batch moves through them.</summary>
public static class InvalidationStatus
{
    public const string Received = "Received";
    public const string Preparing = "Preparing";
    public const string FlushingOrigin = "FlushingOrigin";
    public const string FlushingCdn = "FlushingCdn";
    public const string Done = "Done";
    public const string ErrorCdnNode = "ERROR_CDN_NODE";
    public const string Error = "ERROR";

    private static readonly string[] Progress = [Received, Preparing, FlushingOrigin, FlushingCdn, Done];

    public static bool IsTerminal(string status) => status is Done or ErrorCdnNode or Error;

    /// <summary>
    /// A request's status from its batches: a failure as soon as any batch failed (ERROR before
    /// ERROR_CDN_NODE), otherwise the least advanced batch's stage, so <c>Done</c> is never claimed early.
    /// </summary>
    public static string Derive(IEnumerable<string> batchStatuses)
    {
        var least = Done;
        var cdnFailed = false;
        foreach (var status in batchStatuses)
        {
            switch (status)
            {
                case Error:
                    return Error;
                case ErrorCdnNode:
                    cdnFailed = true;
                    break;
                default:
                    if (Array.IndexOf(Progress, status) < Array.IndexOf(Progress, least))
                    {
                        least = status;
                    }

                    break;
            }
        }

        return cdnFailed ? ErrorCdnNode : least;
    }
}
