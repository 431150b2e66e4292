#!/usr/bin/perl
# Perl's SOAP::Lite as scripts written against the IPS API use it: no WSDL, values auto-typed
# (xsi:type="xsd:string" with xmlns:xsd/xsi declared on the Envelope), its default SOAPAction
# "<namespace>#<element>", and authHeader as a SOAP header.
#
# usage: soaplite_client.pl ENDPOINT_URL USER PASSWORD COMPANY_HANDLE FOREIGN_URL URL [URL ...]
# Prints one line per step (checked by Support/LegacyClientAssert.cs):
#   sent soapAction=… xsiType=…   (as the first request went out)
#   accepted handle=… estimatedSeconds=…
#   polled status=… successCount=… errorCount=…
#   foreign type=… faultcode=… element=… code=… reason=…   (FOREIGN_URL refused)
#   wrongPassword type=… faultcode=… element=… code=… reason=…
use strict;
use warnings;
use SOAP::Lite;

my ($endpoint, $user, $password, $company, $foreign, @urls) = @ARGV;
my $types = 'http://www.scene7.com/IpsApi/xsd/2012-02-14';
my $ips = 'http://www.scene7.com/IpsApi/xsd';

my $soap = SOAP::Lite->proxy($endpoint, timeout => 30)->default_ns($types);

sub auth {
    my ($password) = @_;
    return SOAP::Header->name('authHeader')->attr({ xmlns => $ips })->value(\SOAP::Data->value(
        SOAP::Data->name(user => $user),
        SOAP::Data->name(password => $password),
        SOAP::Data->name(appName => 'soap-lite'),
        SOAP::Data->name(appVersion => $SOAP::Lite::VERSION),
    ));
}

sub invalidate {
    my ($password, @items) = @_;
    return $soap->call('cdnCacheInvalidationParam',
        SOAP::Data->name(companyHandle => $company),
        SOAP::Data->name(urlArray => \SOAP::Data->value(map { SOAP::Data->name(items => $_) } @items)),
        auth($password));
}

sub status {
    my ($password, $handle) = @_;
    return $soap->call('getCdnCacheInvalidationStatusParam', SOAP::Data->name(invalidationHandle => $handle), auth($password));
}

sub fault_line {
    my ($step, $som) = @_;
    return "$step type=none" unless ref $som && $som->fault;
    my $detail = $som->faultdetail || {};
    my ($element) = keys %$detail;
    my $body = defined $element ? $detail->{$element} : {};
    return sprintf('%s type=%s faultcode=%s element=%s code=%s reason=%s', $step, ref $som, $som->faultcode,
        $element // 'none', $body->{code} // 'none', $body->{reason} // 'none');
}

sub result_of {
    my ($som) = @_;
    die sprintf("fault %s: %s\n", $som->faultcode, $som->faultstring) if $som->fault;
    return $som->method;    # the reply element, as a hash of its children
}

my $accepted_som = invalidate($password, @urls);
my $request = $soap->transport->http_response->request;
my ($xsi_type) = $request->content =~ /<companyHandle[^>]*\bxsi:type="([^"]+)"/;
printf "sent soapAction=%s xsiType=%s\n", $request->header('SOAPAction'), $xsi_type // 'none';
my $accepted = result_of($accepted_som);
printf "accepted handle=%s estimatedSeconds=%d\n", $accepted->{invalidationHandle}, $accepted->{estimatedSeconds};

my $status = result_of(status($password, $accepted->{invalidationHandle}));
printf "polled status=%s successCount=%d errorCount=%d\n", $status->{status}, $status->{successCount}, $status->{errorCount};

print fault_line('foreign', invalidate($password, $foreign)), "\n";
print fault_line('wrongPassword', status("$password-wrong", $accepted->{invalidationHandle})), "\n";
