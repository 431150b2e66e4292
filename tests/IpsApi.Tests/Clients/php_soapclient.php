<?php
// PHP's SoapClient in WSDL mode, gzip both ways, calls both operations of the served WSDL.
// SOAP_COMPRESSION_ACCEPT | SOAP_COMPRESSION_GZIP alone only asks for gzip replies; PHP compresses
// the request body only when a level (1-9) is added to the flags, as PHP's manual shows.
//
// usage: php php_soapclient.php WSDL_URL USER PASSWORD COMPANY_HANDLE FOREIGN_URL URL [URL ...]
// Prints one line per step (checked by Support/LegacyClientAssert.cs):
//   compression request=… response=…   (Content-Encoding of the first request and reply)
//   accepted handle=… estimatedSeconds=…
//   polled status=… successCount=… errorCount=…
//   foreign type=… faultcode=… element=… code=… reason=…   (FOREIGN_URL refused)
//   wrongPassword type=… faultcode=… element=… code=… reason=…
[$script, $wsdl, $user, $password, $company, $foreign] = array_slice($argv, 0, 6);
$urls = array_slice($argv, 6);

const IPS = 'http://www.scene7.com/IpsApi/xsd';

function client(string $wsdl): SoapClient
{
    return new SoapClient($wsdl, [
        'soap_version' => SOAP_1_1,
        'compression' => SOAP_COMPRESSION_ACCEPT | SOAP_COMPRESSION_GZIP | 5,
        'exceptions' => true,
        'trace' => true,
        'cache_wsdl' => WSDL_CACHE_NONE,
        'connection_timeout' => 10,
    ]);
}

function auth(string $user, string $password): SoapHeader
{
    return new SoapHeader(IPS, 'authHeader', [
        'user' => $user, 'password' => $password, 'appName' => 'php-soapclient', 'appVersion' => PHP_VERSION,
    ]);
}

function content_encoding(string $headers): string
{
    return preg_match('/^Content-Encoding:\s*(\S+)/mi', $headers, $match) ? strtolower($match[1]) : 'identity';
}

function fault_line(string $step, SoapFault $fault): string
{
    // The WSDL names the detail element, so SoapClient maps <detail> to an object keyed by it.
    $detail = (array) ($fault->detail ?? []);
    $element = array_key_first($detail) ?? 'none';
    $body = $detail[$element] ?? null;
    return sprintf('%s type=%s faultcode=%s element=%s code=%s reason=%s', $step, get_class($fault),
        $fault->faultcode, $element, $body->code ?? 'none', $body->reason ?? 'none');
}

$client = client($wsdl);
$client->__setSoapHeaders([auth($user, $password)]);

$accepted = $client->cdnCacheInvalidation(['companyHandle' => $company, 'urlArray' => ['items' => $urls]]);
printf("compression request=%s response=%s\n", content_encoding($client->__getLastRequestHeaders()),
    content_encoding($client->__getLastResponseHeaders()));
printf("accepted handle=%s estimatedSeconds=%d\n", $accepted->invalidationHandle, $accepted->estimatedSeconds);

$status = $client->getCdnCacheInvalidationStatus(['invalidationHandle' => $accepted->invalidationHandle]);
printf("polled status=%s successCount=%d errorCount=%d\n", $status->status, $status->successCount, $status->errorCount);

try {
    $client->cdnCacheInvalidation(['companyHandle' => $company, 'urlArray' => ['items' => [$foreign]]]);
    print("foreign type=none\n");
} catch (SoapFault $fault) {
    print(fault_line('foreign', $fault) . "\n");
}

$client->__setSoapHeaders([auth($user, $password . '-wrong')]);
try {
    $client->getCdnCacheInvalidationStatus(['invalidationHandle' => $accepted->invalidationHandle]);
    print("wrongPassword type=none\n");
} catch (SoapFault $fault) {
    print(fault_line('wrongPassword', $fault) . "\n");
}
