using Npgsql;

namespace IpsApi.Core.Persistence;

/// <summary>
/// Hands out keys from the sequences the PostgreSQL model draws its keys from (<see cref="PostgresIpsDbContext"/>),
/// in blocks, the way EF Core's HiLo generator does: one <c>nextval</c> of a sequence reserves the
/// <see cref="PostgresIpsDbContext.IdBlockSize"/> keys from its value on, so keys handed out here and by EF Core never
/// meet. Unlike EF Core's generator, the blocks are fetched asynchronously, all a write needs in one round trip.
/// </summary>
public sealed class PostgresIdBlocks
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, List<(long Next, long End)>> spare = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes <paramref name="counts"/> keys of each sequence named in it, fetching new blocks on
    /// <paramref name="connection"/> (outside any transaction of its own) when those at hand do not suffice.
    /// </summary>
    public async Task<Dictionary<string, long[]>> TakeAsync(NpgsqlConnection connection, IReadOnlyDictionary<string, int> counts, CancellationToken cancellationToken)
    {
        var taken = new Dictionary<string, long[]>(counts.Count, StringComparer.Ordinal);
        var filled = new Dictionary<string, int>(counts.Count, StringComparer.Ordinal);
        List<string>? missing = null;
        lock (gate)
        {
            foreach (var (sequence, count) in counts)
            {
                var keys = new long[count];
                taken[sequence] = keys;
                filled[sequence] = Fill(sequence, keys, 0);
                for (var wanted = count - filled[sequence]; wanted > 0; wanted -= PostgresIpsDbContext.IdBlockSize)
                {
                    (missing ??= []).Add(sequence);
                }
            }
        }

        if (missing is null)
        {
            return taken;
        }

        // One row per block wanted: nextval is evaluated once per row.
        await using var fetch = new NpgsqlCommand("SELECT s, nextval(s::regclass) FROM unnest($1::text[]) AS s", connection);
        fetch.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. missing] });
        var fetched = new List<(string Sequence, long First)>(missing.Count);
        await using (var reader = await fetch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                fetched.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        lock (gate)
        {
            foreach (var (sequence, first) in fetched)
            {
                Spare(sequence).Add((first, first + PostgresIpsDbContext.IdBlockSize));
            }

            // The blocks fetched here cover what this call was short of, and no other call takes them before it fills.
            foreach (var (sequence, keys) in taken)
            {
                Fill(sequence, keys, filled[sequence]);
            }
        }

        return taken;
    }

    /// <summary>Fills <paramref name="keys"/> from <paramref name="from"/> on with spare keys of the sequence, oldest block first; returns how far it got.</summary>
    private int Fill(string sequence, long[] keys, int from)
    {
        var blocks = Spare(sequence);
        while (from < keys.Length && blocks.Count > 0)
        {
            var (next, end) = blocks[0];
            var take = (int)Math.Min(keys.Length - from, end - next);
            for (var i = 0; i < take; i++)
            {
                keys[from++] = next + i;
            }

            if (next + take < end)
            {
                blocks[0] = (next + take, end);
            }
            else
            {
                blocks.RemoveAt(0);
            }
        }

        return from;
    }

    private List<(long Next, long End)> Spare(string sequence)
    {
        if (!spare.TryGetValue(sequence, out var blocks))
        {
            spare[sequence] = blocks = [];
        }

        return blocks;
    }
}
