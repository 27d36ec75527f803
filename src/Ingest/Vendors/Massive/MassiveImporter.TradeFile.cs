using FlowFunctions.Analytics.Events;

namespace FlowFunctions.Ingest.Vendors.Massive;

public sealed partial class MassiveImporter
{
    /// <summary>
    /// One options trades file with its day's quotes file, read together in their order (ticker, then SIP time): the
    /// current row's fields, the current contract's NBBO as of the row, and its recent prints for cancels to name.
    /// </summary>
    private sealed class TradeFile : IDisposable
    {
        private readonly MassiveCsv _trades;
        private readonly MassiveCsv? _quotes;
        private readonly int _ticker, _conditions, _correction, _exchange, _price, _size, _ts;
        private readonly int _qTicker, _qBid, _qBidSize, _qAsk, _qAskSize, _qTs;
        private readonly List<(long Ts, Fixed Price, long Size, long Exchange, byte[] Id)> _recent = [];
        private string _lastTicker = string.Empty;
        private bool _quoteRow;
        private string _quoteTicker = string.Empty;
        private string _quoteSeen = string.Empty;
        private long _quoteTs = long.MinValue;
        private (Fixed? Bid, Fixed? Ask) _nextQuote;

        public TradeFile(string trades, string? quotes)
        {
            _trades = new MassiveCsv(trades);
            _ticker = _trades.Column("ticker");
            _conditions = _trades.Column("conditions");
            _correction = _trades.Column("correction");
            _exchange = _trades.Column("exchange");
            _price = _trades.Column("price");
            _size = _trades.Column("size");
            _ts = _trades.Column("sip_timestamp");
            if (quotes is not null)
            {
                _quotes = new MassiveCsv(quotes);
                _qTicker = _quotes.Column("ticker");
                _qBid = _quotes.Column("bid_price");
                _qBidSize = _quotes.Column("bid_size");
                _qAsk = _quotes.Column("ask_price");
                _qAskSize = _quotes.Column("ask_size");
                _qTs = _quotes.Column("sip_timestamp");
                _quoteRow = _quotes.Next();
            }
        }

        public long Position => _trades.Position + (_quotes?.Position ?? 0);

        public long Length => _trades.Length + (_quotes?.Length ?? 0);

        /// <summary>The current row's contract and underlying.</summary>
        public VendorContract Named { get; private set; } = new(string.Empty, string.Empty);

        public string Contract => Named.Contract;

        public string Underlying => Named.Underlying;

        public long Ts { get; private set; }

        public Fixed Price { get; private set; }

        public long Size { get; private set; }

        public long Correction { get; private set; }

        public long Exchange { get; private set; }

        public ReadOnlySpan<char> Conditions => _trades.Row[_conditions].Span;

        /// <summary>The NBBO as of the current print: the contract's last quote at or before its SIP time; absent sides left out.</summary>
        public (Fixed? Bid, Fixed? Ask) Quote { get; private set; }

        public bool Next()
        {
            if (!_trades.Next())
            {
                return false;
            }

            var ticker = _trades.Row[_ticker].Span;
            var ts = _trades.Integer(_ts, "sip_timestamp");
            var order = ticker.SequenceCompareTo(_lastTicker);
            if (order < 0 || (order == 0 && ts < Ts))
            {
                throw _trades.Bad($"the rows are not in Massive's order (ticker, then sip_timestamp): {ticker} at {ts} comes after {_lastTicker} at {Ts}");
            }

            if (order != 0)
            {
                _lastTicker = ticker.ToString();
                if (!OccSymbol.TryParse(_lastTicker, out var root, out _, out var error) || !_lastTicker.StartsWith("O:", StringComparison.Ordinal))
                {
                    throw _trades.Bad($"\"{_lastTicker}\" is not an options ticker (O: and an OCC symbol{(error is null ? string.Empty : ": " + error)})");
                }

                Named = new VendorContract(root.ToString(), _lastTicker[2..]);
                _recent.Clear();
            }

            Ts = ts;
            Price = _trades.Price(_price, "price");
            Size = _trades.Integer(_size, "size");
            Correction = _trades.Row[_correction].Span.IsEmpty ? 0 : _trades.Integer(_correction, "correction");
            Exchange = _trades.Row[_exchange].Span.IsEmpty ? 0 : _trades.Integer(_exchange, "exchange");
            Quote = QuoteAsOf();
            return true;
        }

        /// <summary>
        /// The print's id from the file's own fields (ticker, SIP time, venue, price, size, conditions), the same on
        /// every run and in any file that repeats the row, as 16 hex digits (docs/importing.md "Ids").
        /// </summary>
        public void PrintId(Span<byte> id)
        {
            var hash = 14695981039346656037UL;
            Mix(ref hash, _lastTicker);
            Mix(ref hash, _trades.Row[_ts].Span);
            Mix(ref hash, _trades.Row[_exchange].Span);
            Mix(ref hash, _trades.Row[_price].Span);
            Mix(ref hash, _trades.Row[_size].Span);
            Mix(ref hash, _trades.Row[_conditions].Span);
            hash.TryFormat(id, out _, "x16", System.Globalization.CultureInfo.InvariantCulture);

            static void Mix(ref ulong hash, ReadOnlySpan<char> text)
            {
                foreach (var c in text)
                {
                    hash = (hash ^ c) * 1099511628211UL;
                }

                hash = (hash ^ ',') * 1099511628211UL;
            }
        }

        public void Remember(Fixed price, long size, ReadOnlySpan<byte> id)
        {
            if (_recent.Count == Recent)
            {
                _recent.RemoveAt(0);
            }

            _recent.Add((Ts, price, size, Exchange, id.ToArray()));
        }

        /// <summary>Removes and returns the latest remembered print at this price and size on this venue.</summary>
        public (long Ts, byte[] Id)? TakeBack(Fixed price, long size)
        {
            for (var i = _recent.Count - 1; i >= 0; i--)
            {
                var p = _recent[i];
                if (p.Size == size && p.Exchange == Exchange && p.Price.Value == price.Value)
                {
                    _recent.RemoveAt(i);
                    return (p.Ts, p.Id);
                }
            }

            return null;
        }

        public void Dispose()
        {
            _trades.Dispose();
            _quotes?.Dispose();
        }

        /// <summary>Reads quotes up to the current print (ticker, then time), keeping the current contract's latest.</summary>
        private (Fixed? Bid, Fixed? Ask) QuoteAsOf()
        {
            if (_quotes is null)
            {
                return (null, null);
            }

            var held = _quoteTicker == _lastTicker ? _nextQuote : (null, null);
            while (_quoteRow)
            {
                var ticker = _quotes.Row[_qTicker].Span;
                var ts = _quotes.Integer(_qTs, "sip_timestamp");
                var againstLast = ticker.SequenceCompareTo(_quoteSeen);
                if (againstLast < 0 || (againstLast == 0 && ts < _quoteTs))
                {
                    throw _quotes.Bad($"the rows are not in Massive's order (ticker, then sip_timestamp): {ticker} at {ts} comes after {_quoteSeen} at {_quoteTs}");
                }

                var order = ticker.SequenceCompareTo(_lastTicker);
                if (order > 0 || (order == 0 && ts > Ts))
                {
                    break; // a later contract, or later than the print: kept for the next print
                }

                if (againstLast != 0)
                {
                    _quoteSeen = ticker.ToString();
                }

                _quoteTs = ts;
                if (order == 0)
                {
                    var bid = _quotes.Integer(_qBidSize, "bid_size") > 0 ? _quotes.Price(_qBid, "bid_price") : (Fixed?)null;
                    var ask = _quotes.Integer(_qAskSize, "ask_size") > 0 ? _quotes.Price(_qAsk, "ask_price") : (Fixed?)null;
                    held = (bid, ask);
                    _quoteTicker = _lastTicker;
                    _nextQuote = held;
                }

                _quoteRow = _quotes.Next();
            }

            return held;
        }
    }
}
