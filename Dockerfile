# syntax=docker/dockerfile:1
# The ipsapi image: built once by docker-compose.yml's `ipsapi` service and reused by `migrate` and `worker`.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so that a change of source reuses the restored packages.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/IpsApi.Contracts/IpsApi.Contracts.csproj src/IpsApi.Contracts/
COPY src/IpsApi.Core/IpsApi.Core.csproj src/IpsApi.Core/
COPY src/IpsApi.Server/IpsApi.Server.csproj src/IpsApi.Server/
RUN dotnet restore src/IpsApi.Server/IpsApi.Server.csproj
COPY src/ src/
COPY wsdl/ wsdl/
COPY schemas/ schemas/
RUN dotnet publish src/IpsApi.Server/IpsApi.Server.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
ENV Database__Provider=Postgres \
    ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
# The non-root user the .NET images ship (uid 1654).
USER $APP_UID
ENTRYPOINT ["./ipsapi"]
CMD ["serve", "--urls", "http://0.0.0.0:8080"]
